"""Small documents several test modules write, kept in one place."""

# A contract of one interaction, GET /v1/models, whose response body schema is the `%s`
# (YAML flow style, so it fits on the line).
MODELS_CONTRACT = """\
contract: c
consumer: me
provider: openai
interactions:
  - name: list
    request: {method: GET, path: /v1/models}
    response:
      status: 200
      json: %s
"""
