"""One module per fault; each registers itself under its public name."""
