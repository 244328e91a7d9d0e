"""The OpenAI wire format the gateway accepts, validated.

Fields Athanor does not act on (seed, logprobs, penalties...) are accepted and ignored,
as other OpenAI-compatible servers do, so any OpenAI SDK version can talk to it; the
fields it uses are checked strictly.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from athanor.core.schemas import JSON_INTEGER
from athanor.providers.types import ChatRequest, EmbeddingRequest, Message, Tool, ToolCall

MAX_MESSAGES = 2048


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextPart(_Lenient):
    type: Literal["text"]
    text: str


class FunctionCall(_Lenient):
    name: Annotated[str, Field(min_length=1, max_length=128)]
    arguments: str = ""


class ToolCallIn(_Lenient):
    id: Annotated[str, Field(min_length=1, max_length=200)]
    type: Literal["function"] = "function"
    function: FunctionCall


class MessageIn(_Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None
    name: Annotated[str, Field(max_length=128)] | None = None
    tool_calls: list[ToolCallIn] | None = None
    tool_call_id: Annotated[str, Field(max_length=200)] | None = None

    def internal(self) -> Message:
        content = (
            self.content
            if not isinstance(self.content, list)
            else "".join(part.text for part in self.content)
        )
        return Message(
            role="system" if self.role == "developer" else self.role,
            content=content,
            tool_calls=tuple(
                ToolCall(call.id, call.function.name, call.function.arguments)
                for call in self.tool_calls or ()
            ),
            tool_call_id=self.tool_call_id,
            name=self.name,
        )


class FunctionSpec(_Lenient):
    name: Annotated[str, Field(min_length=1, max_length=128)]
    description: Annotated[str, Field(max_length=4000)] | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)


class ToolSpec(_Lenient):
    type: Literal["function"]
    function: FunctionSpec


class NamedToolChoice(_Lenient):
    type: Literal["function"]
    function: FunctionSpec | dict[str, str]


class JsonSchemaFormat(_Lenient):
    name: str = "output"
    schema_: dict[str, Any] = Field(default_factory=dict, alias="schema")


class PlainFormat(_Lenient):
    type: Literal["text", "json_object"]


class SchemaFormat(_Lenient):
    type: Literal["json_schema"]
    json_schema: JsonSchemaFormat


ResponseFormat = Annotated[PlainFormat | SchemaFormat, Field(discriminator="type")]


class StreamOptions(_Lenient):
    include_usage: bool = False


class ChatCompletionIn(_Lenient):
    model: Annotated[str, Field(min_length=1, max_length=200)]
    messages: Annotated[list[MessageIn], Field(min_length=1, max_length=MAX_MESSAGES)]
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: Annotated[int, Field(ge=1, le=1_000_000), JSON_INTEGER] | None = None
    max_completion_tokens: Annotated[int, Field(ge=1, le=1_000_000), JSON_INTEGER] | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(gt=0, le=1)] | None = None
    stop: str | Annotated[list[str], Field(max_length=4)] | None = None
    tools: Annotated[list[ToolSpec], Field(max_length=128)] | None = None
    tool_choice: Literal["none", "auto", "required"] | NamedToolChoice | None = None
    response_format: ResponseFormat | None = None
    n: Annotated[int, Field(ge=1, le=1), JSON_INTEGER] = 1
    user: Annotated[str, Field(max_length=200)] | None = None

    def internal(self) -> ChatRequest:
        """The request in Athanor's shape; `model` is set per deployment later."""
        choice: str | None
        if isinstance(self.tool_choice, NamedToolChoice):
            function = self.tool_choice.function
            choice = function.name if isinstance(function, FunctionSpec) else function.get("name")
        else:
            choice = self.tool_choice
        response_format: Literal["text", "json_object"] | dict[str, Any] = "text"
        if self.response_format is not None and self.response_format.type == "json_object":
            response_format = "json_object"
        elif isinstance(self.response_format, SchemaFormat):
            response_format = self.response_format.json_schema.schema_
        stop = (self.stop,) if isinstance(self.stop, str) else tuple(self.stop or ())
        return ChatRequest(
            messages=tuple(message.internal() for message in self.messages),
            model="",
            max_tokens=self.max_completion_tokens or self.max_tokens,
            temperature=self.temperature,
            top_p=self.top_p,
            stop=stop,
            tools=tuple(
                Tool(spec.function.name, spec.function.description, spec.function.parameters)
                for spec in self.tools or ()
            ),
            tool_choice=choice,
            response_format=response_format,
            user=self.user,
        )


class EmbeddingsIn(_Lenient):
    model: Annotated[str, Field(min_length=1, max_length=200)]
    input: (
        Annotated[str, Field(max_length=1_000_000)]
        | Annotated[list[str], Field(min_length=1, max_length=2048)]
    )
    dimensions: Annotated[int, Field(ge=1, le=65_536), JSON_INTEGER] | None = None
    # The official SDKs ask for base64 (little-endian float32) by default.
    encoding_format: Literal["float", "base64"] = "float"
    user: Annotated[str, Field(max_length=200)] | None = None

    def internal(self) -> EmbeddingRequest:
        inputs = (self.input,) if isinstance(self.input, str) else tuple(self.input)
        return EmbeddingRequest(model="", inputs=inputs, dimensions=self.dimensions)
