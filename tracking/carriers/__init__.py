"""Provider formats parsed by pure functions into carrier-neutral dataclasses."""
