using Microsoft.Extensions.Logging;

namespace AiProxy.Caching.Semantic;

/// <summary>Semantic cache log messages (event ids 4301-4399). Prompts, vectors and keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, EventName = "SemanticEmbeddingFailed", Message = "Embedding for the semantic cache failed ({Exception}); treating it as a miss.")]
    public static partial void EmbeddingFailed(ILogger logger, string exception);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Debug, EventName = "SemanticEmbeddingOverBudget", Message = "Embedding for the semantic cache exceeded its {BudgetMs} ms budget; treating it as a miss.")]
    public static partial void EmbeddingOverBudget(ILogger logger, double budgetMs);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Debug, EventName = "SemanticGuardRejected", Message = "Semantic candidate at similarity {Score:F3} rejected by the {Guard} guard.")]
    public static partial void GuardRejected(ILogger logger, float score, string guard);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, EventName = "SemanticEntryUnreadable", Message = "A persisted semantic index entry could not be read ({Exception}); skipped.")]
    public static partial void EntryUnreadable(ILogger logger, string exception);
}
