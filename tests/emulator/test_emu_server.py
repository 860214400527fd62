"""Running the emulator: background server lifecycle, standalone serve(), and a light package import."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from poe_tui.emulator import DEFAULT_KEY, EmulatorServer, EmulatorState


def test_start_stop_on_a_free_port_quickly():
    server = EmulatorServer()
    started = time.monotonic()
    server.start()
    try:
        assert time.monotonic() - started < 0.5
        assert server.port > 0 and server.base_url == f"http://127.0.0.1:{server.port}"
        response = httpx.get(server.base_url + "/usage/current_balance", verify=False,
                             headers={"Authorization": f"Bearer {DEFAULT_KEY}"})
        assert response.json() == {"current_point_balance": 1_000_000}
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.base_url + "/v1/models", verify=False)


def test_context_manager_with_own_state_and_keys():
    state = EmulatorState({"alpha": 5, "beta": 10})
    with EmulatorServer(state) as emu:
        assert emu.state is state
        with httpx.Client(base_url=emu.base_url, verify=False) as c:
            assert c.get("/usage/current_balance", headers={"Authorization": "Bearer beta"}).json() == {
                "current_point_balance": 10}
            assert c.get("/usage/current_balance",
                         headers={"Authorization": f"Bearer {DEFAULT_KEY}"}).status_code == 401


def test_stop_does_not_wait_for_a_stalled_stream():
    from poe_tui.emulator import Fault

    emu = EmulatorServer().start()
    emu.state.inject(Fault(stall_after=1, stall_seconds=60))
    client = httpx.Client(base_url=emu.base_url, verify=False, headers={"Authorization": f"Bearer {DEFAULT_KEY}"})
    with client.stream("POST", "/v1/chat/completions", json={
            "model": "Demo-Echo", "messages": [{"role": "user", "content": "x"}], "stream": True}) as response:
        next(response.iter_raw())
        started = time.monotonic()
        emu.stop()
        assert time.monotonic() - started < 1.5
    client.close()


def test_package_import_is_light():
    code = ("import sys, poe_tui.emulator as e; "
            "assert 'starlette' not in sys.modules and 'uvicorn' not in sys.modules, 'heavy import'; "
            "assert e.DEFAULT_KEY == 'poe-emulator-key'; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "ok", result.stderr


def test_serve_prints_url_and_key_and_answers():
    code = "from poe_tui.emulator.server import serve; serve(port=0, keys=['k-one'])"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        second = proc.stdout.readline()
        assert first.startswith("Poe API emulator listening on http://127.0.0.1:")
        base_url = first.split()[-1]
        assert "k-one" in second
        deadline = time.monotonic() + 10
        while True:
            try:
                response = httpx.get(base_url + "/usage/current_balance", verify=False,
                                     headers={"Authorization": "Bearer k-one"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.02)
        assert response.json() == {"current_point_balance": 1_000_000}
    finally:
        proc.terminate()
        proc.wait(10)
