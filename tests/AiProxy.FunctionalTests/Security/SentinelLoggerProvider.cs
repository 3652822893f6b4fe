using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AiProxy.FunctionalTests.Security;

/// <summary>Captures every log call in full: category, event, formatted message, structured state, exception and all scopes.</summary>
public sealed class SentinelLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public int Count => _lines.Count;

    public string AllText => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, SentinelLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(" [").Append(eventId.Id).Append("] ")
                .Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    line.Append(' ').Append(key).Append('=').Append(value);
                }
            }
            owner._scopes.ForEachScope(static (scope, sb) =>
            {
                sb.Append(" scope:").Append(scope);
                if (scope is IEnumerable<KeyValuePair<string, object?>> items)
                {
                    foreach (var (key, value) in items)
                    {
                        sb.Append(' ').Append(key).Append('=').Append(value);
                    }
                }
            }, line);
            line.Append(' ').Append(exception);
            owner._lines.Enqueue(line.ToString());
        }
    }
}
