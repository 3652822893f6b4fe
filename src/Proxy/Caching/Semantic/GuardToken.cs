namespace AiProxy.Caching.Semantic;

/// <summary>One token of a prompt as the guards see it: original text, lower-cased text, and whether it starts a sentence.</summary>
internal readonly record struct GuardToken(string Text, string Lower, bool SentenceInitial, bool SentenceEnd);
