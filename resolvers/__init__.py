"""Translation: GraphQL in, domain rules and db calls, payloads out."""
