"""The Python sandbox: real child processes, real limits, real refusals."""

from __future__ import annotations

import os
import time

import pytest

from mokmin.guard.sandbox import SandboxLimits, run_python

FAST = SandboxLimits(wall_seconds=4, cpu_seconds=3, memory_bytes=512 * 2**20, file_bytes=2 * 2**20)


def test_a_plain_script_runs_and_reports_its_layers():
    result = run_python("print('안녕하세요', 6 * 7)", limits=FAST)
    assert result.ok and result.kind is None and result.returncode == 0
    assert result.stdout == "안녕하세요 42\n"
    assert {"isolated_python", "process_group", "rlimits", "audit_hook"} <= set(result.layers)
    assert result.files == [] and result.refused == []


def test_an_endless_loop_is_stopped_with_a_timeout_message():
    start = time.perf_counter()
    result = run_python("while True:\n    pass\n", limits=FAST)
    assert not result.ok and result.kind == "timeout"
    assert "시간 제한" in result.message
    assert time.perf_counter() - start < 30


def test_a_script_that_waits_forever_is_killed_by_the_wall_clock():
    result = run_python("import time\ntime.sleep(3600)\n", limits=SandboxLimits(wall_seconds=2, cpu_seconds=60))
    assert result.kind == "timeout" and "2초" in result.message and result.returncode == -9


def test_a_memory_bomb_is_stopped_with_a_memory_message():
    result = run_python("blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))\n", limits=FAST)
    assert not result.ok and result.kind == "memory"
    assert "메모리 제한(512 MB)" in result.message
    assert "MemoryError" in result.stderr


def test_a_network_connection_is_refused():
    code = "import socket\nsocket.create_connection(('93.184.216.34', 80), timeout=3)\n"
    result = run_python(code, limits=FAST)
    assert not result.ok and result.kind == "network"
    assert "네트워크" in result.message
    assert result.refused and result.refused[0]["kind"] == "network"


def test_a_refused_connection_the_script_catches_is_still_reported():
    code = ("import urllib.request\ntry:\n    urllib.request.urlopen('http://example.com', timeout=3)\n"
            "except Exception as exc:\n    print('failed:', type(exc).__name__)\n")
    result = run_python(code, limits=FAST)
    assert result.ok and result.stdout.startswith("failed:")
    assert [r["kind"] for r in result.refused][:1] == ["network"]


def test_the_network_is_refused_even_without_the_os_layers():
    result = run_python("import socket\nsocket.socket().connect(('127.0.0.1', 9))\n", limits=FAST, os_isolation=False)
    assert result.kind == "network" and "netns" not in result.layers


def test_the_os_network_namespace_has_no_interface_but_loopback():
    probe = run_python("import socket\nprint(sorted(n for _, n in socket.if_nameindex()))", limits=FAST)
    if "netns" not in probe.layers:
        pytest.skip("this OS does not let us create a network namespace")
    assert probe.stdout.strip() == "['lo']"


def test_writing_outside_the_working_directory_is_refused(tmp_path):
    target = tmp_path / "outside.txt"
    result = run_python(f"open({str(target)!r}, 'w').write('x')\n", limits=FAST)
    assert not result.ok and result.kind == "forbidden"
    assert "작업 폴더 밖" in result.message
    assert not target.exists()


def test_deleting_or_renaming_outside_is_refused_and_the_file_stays(tmp_path):
    keep = tmp_path / "keep.txt"
    keep.write_text("원본", encoding="utf-8")
    for code in (f"import os\nos.remove({str(keep)!r})\n", f"import os\nos.rename({str(keep)!r}, 'mine.txt')\n",
                 f"import shutil\nshutil.rmtree({str(tmp_path)!r})\n"):
        result = run_python(code, limits=FAST, os_isolation=False)
        assert result.kind == "forbidden", code
        assert keep.read_text(encoding="utf-8") == "원본"


def test_starting_other_programs_is_refused():
    for code in ("import subprocess\nsubprocess.run(['true'])\n", "import os\nos.system('true')\n",
                 "import os\nos.fork()\n"):
        result = run_python(code, limits=FAST)
        assert result.kind == "forbidden", code
        assert "다른 프로그램 실행" in result.message


def test_the_users_sample_is_never_modified(tmp_path):
    sample = tmp_path / "명단.csv"
    sample.write_text("이름,점수\n가,1\n", encoding="utf-8")
    before = (sample.read_bytes(), sample.stat().st_mtime_ns)
    code = ("open('명단.csv', 'a', encoding='utf-8').write('나,2\\n')\n"
            "print(open('명단.csv', encoding='utf-8').read().count('\\n'))\n")
    result = run_python(code, inputs=[sample], limits=FAST)
    assert result.ok and result.stdout.strip() == "3"
    assert (sample.read_bytes(), sample.stat().st_mtime_ns) == before
    assert [f.name for f in result.files] == ["명단.csv"]  # the changed copy is reported, not written back


def test_produced_files_are_listed_and_collected(tmp_path):
    code = "import os\nos.makedirs('out', exist_ok=True)\nopen('out/결과.txt', 'w').write('합계 3')\n"
    result = run_python(code, limits=FAST, collect_to=tmp_path / "saved")
    assert result.ok
    assert [(f.name, f.size) for f in result.files] == [("out/결과.txt", len("합계 3".encode()))]
    assert (tmp_path / "saved" / "out" / "결과.txt").read_text() == "합계 3"


def test_unchanged_inputs_are_not_reported_as_produced(tmp_path):
    sample = tmp_path / "a.csv"
    sample.write_text("x\n1\n", encoding="utf-8")
    result = run_python("print(open('a.csv').read().strip())", inputs=[sample], limits=FAST)
    assert result.ok and result.files == []


def test_output_is_capped():
    result = run_python("print('가' * 1_000_000)", limits=SandboxLimits(stdout_bytes=1000))
    assert result.ok and result.stdout_truncated and len(result.stdout.encode()) <= 1000


def test_a_too_big_file_is_a_file_size_error():
    result = run_python("open('big.bin', 'wb').write(b'0' * (3 * 2**20))\n", limits=FAST)
    assert result.kind == "file_size" and "파일 크기 제한" in result.message


def test_an_exception_is_reported_with_the_users_traceback_only():
    result = run_python("x = {}\nprint(x['없는 열'])\n", limits=FAST)
    assert result.kind == "exception" and result.exception == "KeyError: '없는 열'"
    assert 'File "script.py", line 2' in result.stderr
    assert "<string>" not in result.stderr  # the bootstrap's frames are dropped


def test_exit_codes():
    assert run_python("import sys\nsys.exit(3)\n", limits=FAST).kind == "exit"
    assert run_python("import sys\nprint(1)\nsys.exit(0)\n", limits=FAST).ok


def test_the_environment_is_stripped(monkeypatch):
    monkeypatch.setenv("MOKMIN_SECRET_TOKEN", "do-not-leak")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:8080")
    code = "import os\nprint(sorted(os.environ))\nprint(os.environ['HOME'] == os.getcwd())\n"
    result = run_python(code, limits=FAST)
    assert "MOKMIN_SECRET_TOKEN" not in result.stdout and "HTTPS_PROXY" not in result.stdout
    assert result.stdout.splitlines()[-1] == "True"


@pytest.mark.skipif(os.geteuid() != 0, reason="the user switch applies only when we run as root")
def test_as_root_the_script_runs_as_nobody():
    result = run_python("import os\nprint(os.getuid())", limits=FAST)
    if "unprivileged_user" not in result.layers:
        pytest.skip("setpriv is not usable here")
    assert result.stdout.strip() == "65534"
