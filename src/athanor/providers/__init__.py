"""Provider adapters: one internal chat/embedding shape (types.py) spoken to OpenAI-compatible
servers, Azure OpenAI, Anthropic, Google Gemini and the built-in offline mock."""
