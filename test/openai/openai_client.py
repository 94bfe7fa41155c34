"""The Python `openai` client against the bridge, as a user would call it; prints what it saw as JSON.

Run by python.e2e.test.ts with BRIDGE_BASE_URL, BRIDGE_TOKEN and BRIDGE_MODEL in the environment.
"""
import json
import os

import openai
from openai import OpenAI

base_url = os.environ["BRIDGE_BASE_URL"]
model = os.environ["BRIDGE_MODEL"]
client = OpenAI(base_url=base_url, api_key=os.environ["BRIDGE_TOKEN"], max_retries=0)
report = {"version": openai.__version__}

first = client.responses.create(model=model, input="Python first")
second = client.responses.create(model=model, input="Python second", previous_response_id=first.id)
report["responses"] = {
    "first_id": first.id,
    "first_text": first.output_text,
    "second_id": second.id,
    "second_text": second.output_text,
    "usage_total": first.usage.total_tokens,
}

events = list(client.responses.create(model=model, input="Python stream", stream=True))
report["responses_stream"] = {
    "types": [event.type for event in events],
    "sequence": [event.sequence_number for event in events],
    "text": "".join(event.delta for event in events if event.type == "response.output_text.delta"),
}

completion = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Python chat"}])
report["chat"] = {"content": completion.choices[0].message.content, "usage_total": completion.usage.total_tokens}

chunks = list(
    client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Python chat stream"}],
        stream=True,
        stream_options={"include_usage": True},
    )
)
report["chat_stream"] = {
    "text": "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices),
    "usage_total": chunks[-1].usage.total_tokens if chunks[-1].usage else None,
}


def failure(call):
    try:
        call()
    except openai.APIStatusError as error:
        return {"class": type(error).__name__, "status": error.status_code, "message": error.message, "body": error.body}
    return None


stranger = OpenAI(base_url=base_url, api_key="wrong-token", max_retries=0)
report["wrong_token"] = failure(lambda: stranger.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}]))
report["bad_request"] = failure(lambda: client.chat.completions.create(model=model, messages=[]))
report["models"] = [m.id for m in client.models.list()]

print(json.dumps(report))
