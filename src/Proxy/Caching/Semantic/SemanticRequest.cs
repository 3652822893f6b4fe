namespace AiProxy.Caching.Semantic;

/// <summary>
/// What the semantic cache compares: <see cref="Scope"/> is a hard key (hex SHA-256 over client scope, route,
/// upstream model, operation, every answer-changing parameter, the system prompt and every earlier turn), and
/// <see cref="FinalTurn"/> is the last user turn, the only part compared by meaning.
/// </summary>
internal readonly record struct SemanticRequest(string Scope, string FinalTurn);
