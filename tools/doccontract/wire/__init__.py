"""What crosses the wire, for the client, the sandbox and the suite alike: the request model,
signing, deadlines and bounded bodies, and scrubbing secrets out of text."""
