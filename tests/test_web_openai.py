"""The OpenAI-compatible API and REST /api/v1/ask: grounded answers for programs, scoped by the key."""

from __future__ import annotations

import json
import threading
import time

import pytest
import uvicorn
from fakes import ObedientBackend, free_port
from test_web_citizen import POOL_Q, RENT_Q, SECRET, kb_template, open_app  # noqa: F401 - fixture
from web_helpers import api_client, citizen_client, close_app, staff_client

from mokmin.errors import BackendError
from mokmin.llm.base import GenerationOptions, Message
from mokmin.llm.openai import OpenAIBackend
from mokmin.web.routes.openai_api import MODEL_ID, estimate_tokens


@pytest.fixture
def app(kb_template):  # noqa: F811 - the fixture above
    app = open_app(kb_template)
    yield app
    close_app(app)


def completion(client, question: str, **extra):
    return client.post("/v1/chat/completions", json={
        "model": MODEL_ID, "messages": [{"role": "system", "content": "너는 비서다."},
                                        {"role": "user", "content": question}], **extra})


def data_lines(response) -> list:
    lines = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def test_models_need_a_key_and_list_the_grounded_model(app):
    assert citizen_client(app).get("/v1/models").status_code == 401
    listed = api_client(app, scope="public").get("/v1/models")
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json()["data"]] == [MODEL_ID]


def test_non_stream_completion_keeps_citations_and_returns_sources(app):
    response = completion(api_client(app, scope="public"), RENT_Q)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "chat.completion" and body["model"] == MODEL_ID
    (choice,) = body["choices"]
    text = choice["message"]["content"]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] == "stop"
    assert "34세" in text and "[1]" in text
    source = body["mokmin_sources"][0]
    assert source["n"] == 1 and source["cited"] and source["title"] == "청년 월세 지원 안내"
    assert source["audience"] == "public" and "20만 원" in source["text"]
    usage = body["usage"]
    assert usage["completion_tokens"] == estimate_tokens(text)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["prompt_tokens"] > estimate_tokens(RENT_Q)
    assert body["mokmin_refused"] is False and body["mokmin_feedback"]["item_id"]


def test_a_public_key_never_sees_staff_documents_and_a_staff_key_does(app):
    public = completion(api_client(app, scope="public"), POOL_Q).json()
    assert public["mokmin_refused"] is True and SECRET not in json.dumps(public, ensure_ascii=False)
    assert "찾지 못했습니다" in public["choices"][0]["message"]["content"]
    assert "담당 부서" in public["choices"][0]["message"]["content"]  # who to ask instead
    streamed = completion(api_client(app, scope="public", username="robot2"), POOL_Q, stream=True)
    assert SECRET not in streamed.text
    staff = completion(api_client(app, scope="staff", username="clerk"), POOL_Q).json()
    assert staff["mokmin_refused"] is False and SECRET in staff["choices"][0]["message"]["content"]
    assert staff["mokmin_sources"][0]["audience"] == "staff"


def test_stream_sends_openai_chunks_then_done(app):
    client = api_client(app, scope="public")
    response = completion(client, RENT_Q, stream=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    chunks = data_lines(response)
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == MODEL_ID for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["mokmin_sources"]
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == completion(client, RENT_Q).json()["choices"][0]["message"]["content"]


def test_bad_requests_are_answered_in_openai_shape(app):
    client = api_client(app, scope="public")
    unknown = client.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": [{"role": "user",
                                                                                         "content": "안녕"}]})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "model_not_found"
    no_user = client.post("/v1/chat/completions", json={"model": MODEL_ID, "messages": [{"role": "system",
                                                                                        "content": "x"}]})
    assert no_user.status_code == 400 and no_user.json()["hint"]
    parts = client.post("/v1/chat/completions", json={"model": MODEL_ID, "messages": [
        {"role": "user", "content": [{"type": "text", "text": RENT_Q}]}]})
    assert parts.status_code == 200 and "[1]" in parts.json()["choices"][0]["message"]["content"]
    anonymous = citizen_client(app).post("/v1/chat/completions", json={"model": MODEL_ID, "messages": []})
    assert anonymous.status_code == 401


def test_a_full_queue_answers_429(kb_template):  # noqa: F811
    app = open_app(kb_template, web={"queue_size": 1, "queue_per_client": 1})
    started, release = threading.Event(), threading.Event()
    queue = app.state.services.queue
    tickets = []
    try:
        tickets.append(queue.submit("other-1", lambda _emit: (started.set(), release.wait(10))))
        assert started.wait(10)
        tickets.append(queue.submit("other-2", lambda _emit: release.wait(10)))
        for stream in (False, True):
            response = completion(api_client(app, scope="public"), RENT_Q, stream=stream)
            assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    finally:
        release.set()
        for ticket in tickets:
            ticket.future.result(timeout=10)
        close_app(app)


def test_the_existing_openai_client_works_against_a_real_server(kb_template):  # noqa: F811
    app = open_app(kb_template)
    key = api_client(app, scope="public").key
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        client = OpenAIBackend(f"http://127.0.0.1:{port}/v1", MODEL_ID, api_key=key, max_retries=0)
        assert client.list_models() == [MODEL_ID]
        asked = [Message(role="user", content=RENT_Q)]
        text = "".join(client.stream(asked, GenerationOptions(max_tokens=64)))
        assert "34세" in text and "[1]" in text
        refused = "".join(client.stream([Message(role="user", content=POOL_Q)], GenerationOptions()))
        assert "찾지 못했습니다" in refused and SECRET not in refused
        wrong = OpenAIBackend(f"http://127.0.0.1:{port}/v1", MODEL_ID, api_key="mk-wrong", max_retries=0)
        with pytest.raises(BackendError, match="인증"):
            wrong.list_models()
        client.close()
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        close_app(app)


# ---- REST /api/v1/ask --------------------------------------------------------------------------------------
def test_rest_ask_for_staff_and_staff_keys(app):
    kim = staff_client(app)
    response = kim.post_csrf("/api/v1/ask", json={"question": POOL_Q})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["audience"] == "staff" and not body["refused"] and SECRET in body["answer"]
    assert body["sources"][0]["cited"] and body["feedback"]["kind"] == "answer" and body["disclosure"]
    narrowed = kim.post_csrf("/api/v1/ask", json={"question": POOL_Q, "audience": "public"}).json()
    assert narrowed["refused"] and SECRET not in json.dumps(narrowed, ensure_ascii=False)
    assert narrowed["note"] and narrowed["closest"] is not None
    key = api_client(app, scope="staff", username="clerk")
    assert key.post("/api/v1/ask", json={"question": RENT_Q}).json()["sources"]
    assert api_client(app, scope="public").post("/api/v1/ask", json={"question": RENT_Q}).status_code == 401
    assert kim.post("/api/v1/ask", json={"question": RENT_Q}).status_code == 403  # no CSRF token
    masked = kim.post_csrf("/api/v1/ask", json={"question": f"010-2345-6789로 답 주세요. {RENT_Q}"}).json()
    assert "010-2345-6789" not in masked["question"]


def test_openapi_documents_the_api_with_response_models(app):
    schema = app.openapi()
    ask = schema["paths"]["/api/v1/ask"]["post"]
    assert ask["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskOut")
    fields = set(schema["components"]["schemas"]["AskOut"]["properties"])
    assert {"answer", "sources", "refused", "feedback"} <= fields
    assert "/v1/chat/completions" in schema["paths"] and "/api/public/source/{chunk_id}" in schema["paths"]
