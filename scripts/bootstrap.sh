#!/usr/bin/env bash
# Set Mokmin up on a fresh Debian/Ubuntu machine (Python 3.11+, package registries only) and run a job.
#
#   bash scripts/bootstrap.sh serve  # set up, then start the web workspace, citizen chat and API (embedded model)
#   bash scripts/bootstrap.sh demo   # set up, then draft the seed's press release on the embedded model
#   bash scripts/bootstrap.sh test   # set up, then run the whole test suite
#   bash scripts/bootstrap.sh setup  # set up only
#
# Idempotent: a second run skips every step that is already done and takes seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MOKMIN_VENV:-$ROOT/.venv}"
JOB="${1:-serve}"
shift || true
STAMP="$VENV/.mokmin-installed"

say() { printf '\033[1m[mokmin]\033[0m %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "시스템 패키지를 설치하려면 root 권한이 필요합니다: $*"; exit 1; fi
}

system_packages() {
  # Build tools for llama-cpp-python (compiled for this CPU) and what the tests need from Debian.
  local missing=()
  command -v gcc >/dev/null || missing+=(build-essential)
  command -v g++ >/dev/null || missing+=(g++)
  command -v cmake >/dev/null || missing+=(cmake)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  # a Korean TrueType font: the tests write their own Korean PDF fixtures with it
  [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing+=(fonts-nanum)
  # the Korean hunspell dictionary (spelling checker) and the headers the `hunspell` binding builds against
  [ -f /usr/share/hunspell/ko.dic ] || missing+=(hunspell-ko)
  [ -f /usr/include/hunspell/hunspell.h ] || missing+=(libhunspell-dev)
  # headless Chromium for the browser tests (tests/test_web_browser.py, Playwright with this executable)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    say "시스템 패키지 설치: ${missing[*]}"
    need_root apt-get update -qq
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

python_packages() {
  local py="${PYTHON:-python3}"
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    say "Python 3.11 이상이 필요합니다 ($("$py" --version 2>&1))."; exit 1; }
  [ -x "$VENV/bin/python" ] || { say "가상환경 만들기: $VENV"; "$py" -m venv "$VENV"; }
  local want
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    return
  fi
  say "Python 패키지 설치 (처음에는 llama.cpp를 이 CPU에 맞게 빌드하느라 몇 분 걸립니다)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$VENV/bin/python" -m pip install -q -e "$ROOT[embedded-model,test]"
  echo "$want" > "$STAMP"
}

model() {
  "$VENV/bin/mokmin" model install --quiet
}

system_packages
python_packages
model

case "$JOB" in
  setup) say "준비 완료. 실행: $VENV/bin/mokmin --help" ;;
  serve)
    say "웹 서버를 띄웁니다 (내장 모델, 오프라인). 아래에 나오는 주소를 브라우저로 여세요."
    exec "$VENV/bin/mokmin" serve --example-documents "$@" ;;
  demo)
    say "시드 브리프로 보도자료 초안을 씁니다 (내장 모델, 오프라인)"
    exec "$VENV/bin/mokmin" draft press-release --example seed "$@" ;;
  test)
    MOKMIN_TEST_MODEL="$("$VENV/bin/python" -c 'from mokmin.settings import load_settings; from mokmin.model.install import resolve_model_path; print(resolve_model_path(load_settings()))')"
    export MOKMIN_TEST_MODEL
    cd "$ROOT"
    exec "$VENV/bin/python" -m pytest "$@" ;;
  *) say "알 수 없는 작업: $JOB (serve, demo, test, setup 중 하나)"; exit 2 ;;
esac
