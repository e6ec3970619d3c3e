"""harness: contract tests and chaos rehearsals for apps that depend on AI providers."""

from harness.errors import CassetteError, ContractError, HarnessError, InputError
from harness.exchange import Exchange, Journal, Request, Response

__version__ = "0.1.0"
__all__ = ["CassetteError", "ContractError", "Exchange", "HarnessError", "InputError", "Journal", "Request", "Response"]
