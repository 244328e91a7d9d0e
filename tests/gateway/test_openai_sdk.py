"""The gateway through the official `openai` SDK: any OpenAI client can talk to Athanor."""

from __future__ import annotations

import openai
import pytest

from athanor.runtime import Runtime
from athanor.settings import Settings
from tests.ai_builders import add_deployment, api_key_for, balance_of, give_tokens
from tests.builders import make_member
from tests.conftest import app_client


@pytest.fixture
async def gateway(settings: Settings, runtime: Runtime):  # type: ignore[no-untyped-def]
    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    await add_deployment(runtime, owner.tenant_id)
    await give_tokens(runtime, owner.tenant_id, owner.user_id, 10_000)
    secret = await api_key_for(runtime, owner.tenant_id, owner.user_id)
    async with app_client(settings, runtime) as http:
        sdk = openai.AsyncOpenAI(
            api_key=secret, base_url="https://testserver/v1", http_client=http, max_retries=0
        )
        yield sdk, owner


async def test_chat_completion_charges_the_wallet(gateway, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    sdk, owner = gateway
    raw = await sdk.chat.completions.with_raw_response.create(
        model="mock-small", messages=[{"role": "user", "content": "Say hello to the gateway"}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content
    assert completion.usage is not None
    assert completion.usage.total_tokens > 0
    charged = int(raw.headers["x-athanor-tokens-charged"])
    assert charged == completion.usage.total_tokens
    balance, held = await balance_of(runtime, owner.tenant_id, owner.user_id)
    assert (balance, held) == (10_000 - charged, 0)
    assert int(raw.headers["x-athanor-balance-remaining"]) == balance


async def test_streamed_completion_matches_and_settles(gateway, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    sdk, owner = gateway
    messages = [{"role": "user", "content": "Tell me about streams"}]
    whole = await sdk.chat.completions.create(model="mock-small", messages=messages)
    stream = await sdk.chat.completions.create(
        model="mock-small", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    parts, usage = [], None
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        usage = chunk.usage or usage
    assert "".join(parts) == whole.choices[0].message.content
    assert usage is not None
    assert whole.usage is not None
    assert usage.total_tokens == whole.usage.total_tokens
    balance, held = await balance_of(runtime, owner.tenant_id, owner.user_id)
    assert (balance, held) == (10_000 - 2 * usage.total_tokens, 0)


async def test_models_lists_deployed_models(gateway) -> None:  # type: ignore[no-untyped-def]
    sdk, _owner = gateway
    models = await sdk.models.list()
    assert [model.id for model in models.data] == ["mock-small"]


async def test_unknown_model_is_a_404_problem(gateway) -> None:  # type: ignore[no-untyped-def]
    sdk, _owner = gateway
    with pytest.raises(openai.NotFoundError) as caught:
        await sdk.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.body["code"] == "model.not_found"  # type: ignore[index]


async def test_a_bad_key_is_refused(settings: Settings, runtime: Runtime) -> None:
    async with app_client(settings, runtime) as http:
        sdk = openai.AsyncOpenAI(
            api_key="ath_" + "x" * 43, base_url="https://testserver/v1", http_client=http, max_retries=0
        )
        with pytest.raises(openai.AuthenticationError):
            await sdk.chat.completions.create(
                model="mock-small", messages=[{"role": "user", "content": "hi"}]
            )


async def test_embeddings_are_charged_per_input_token(settings: Settings, runtime: Runtime) -> None:
    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    await add_deployment(runtime, owner.tenant_id, model="mock-embed", upstream_model="mock-embed")
    await give_tokens(runtime, owner.tenant_id, owner.user_id, 100)
    secret = await api_key_for(runtime, owner.tenant_id, owner.user_id)
    async with app_client(settings, runtime) as http:
        sdk = openai.AsyncOpenAI(
            api_key=secret, base_url="https://testserver/v1", http_client=http, max_retries=0
        )
        result = await sdk.embeddings.create(
            model="mock-embed", input=["first text", "second one here"], dimensions=4
        )
    assert [len(item.embedding) for item in result.data] == [4, 4]
    assert [item.index for item in result.data] == [0, 1]
    assert result.usage.prompt_tokens == 5
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (95, 0)
