using System.Text;

namespace AiProxy.MockUpstream;

/// <summary>One request as the mock upstream received it, plus what happened to it afterwards (thread-safe).</summary>
public sealed class MockRequest
{
    private readonly object _gate = new();
    private readonly List<DateTimeOffset> _chunkTimes = [];
    private readonly TaskCompletionSource<bool> _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset? _abortedAt;
    private DateTimeOffset? _finishedAt;
    private int? _statusCode;

    internal MockRequest(string method, string path, string queryString, IReadOnlyDictionary<string, string> headers,
        byte[] body, DateTimeOffset receivedAt, string endpoint, string? deployment, string? model, bool stream)
    {
        Method = method;
        Path = path;
        QueryString = queryString;
        Headers = headers;
        Body = body;
        ReceivedAt = receivedAt;
        Endpoint = endpoint;
        Deployment = deployment;
        Model = model;
        Stream = stream;
    }

    /// <summary>0-based arrival order since the server started or was last reset.</summary>
    public int Index { get; internal set; }

    /// <summary>HTTP method.</summary>
    public string Method { get; }

    /// <summary>Request path, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Query string including the leading <c>?</c>, or empty.</summary>
    public string QueryString { get; }

    /// <summary>Request headers (case-insensitive names; repeated headers joined with <c>,</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Raw request body.</summary>
    public byte[] Body { get; }

    /// <summary>Request body decoded as UTF-8.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>When the request arrived (after its body was read).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>Endpoint after the <c>/v1/</c>, <c>/openai/v1/</c> or <c>/openai/deployments/{d}/</c> prefix, e.g. <c>chat/completions</c>; empty when unknown.</summary>
    public string Endpoint { get; }

    /// <summary>Azure deployment name from the path, if any.</summary>
    public string? Deployment { get; }

    /// <summary><c>model</c> field of the JSON body, if any.</summary>
    public string? Model { get; }

    /// <summary>Whether the body asked for <c>"stream": true</c>.</summary>
    public bool Stream { get; }

    /// <summary>The <c>Authorization</c> header, if any.</summary>
    public string? Authorization => Header("authorization");

    /// <summary>The <c>api-key</c> header (Azure style), if any.</summary>
    public string? ApiKey => Header("api-key");

    /// <summary>Value of a request header, or <see langword="null"/>.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>The <c>x-request-id</c> the mock answered with, once headers were sent.</summary>
    public string? RequestId { get; internal set; }

    /// <summary>Whether the mock itself dropped the connection (abort-after-chunks behaviour).</summary>
    public bool AbortedByMock { get; internal set; }

    /// <summary>Status code the mock answered with, once headers were sent (<see langword="null"/> if aborted before).</summary>
    public int? StatusCode { get { lock (_gate) { return _statusCode; } } }

    /// <summary>Whether the client (or the proxy in front) went away before the response completed.</summary>
    public bool Aborted => _aborted.Task.IsCompleted;

    /// <summary>When the client abort was observed.</summary>
    public DateTimeOffset? AbortedAt { get { lock (_gate) { return _abortedAt; } } }

    /// <summary>Whether the handler finished (normally, by error or by abort).</summary>
    public bool Finished => _finished.Task.IsCompleted;

    /// <summary>When the handler finished.</summary>
    public DateTimeOffset? FinishedAt { get { lock (_gate) { return _finishedAt; } } }

    /// <summary>Time each SSE event was written and flushed, in order (role chunk, content chunks, finish, usage, <c>[DONE]</c>); for JSON answers, one entry for the body.</summary>
    public IReadOnlyList<DateTimeOffset> ChunkTimes { get { lock (_gate) { return _chunkTimes.ToArray(); } } }

    /// <summary>Waits until the client aborted this request; <see langword="false"/> on timeout or when the request finished without abort.</summary>
    public async Task<bool> WaitForAbortAsync(TimeSpan timeout)
    {
        var abort = _aborted.Task;
        var finished = _finished.Task.ContinueWith(static (_, s) => ((MockRequest)s!)._aborted.Task.IsCompleted, this, TaskScheduler.Default);
        var first = await Task.WhenAny(abort, finished, Task.Delay(timeout)).ConfigureAwait(false);
        return first == abort || (first == finished && await finished.ConfigureAwait(false));
    }

    /// <summary>Waits until the mock finished handling the request; <see langword="false"/> on timeout.</summary>
    public async Task<bool> WaitForFinishAsync(TimeSpan timeout)
        => await Task.WhenAny(_finished.Task, Task.Delay(timeout)).ConfigureAwait(false) == _finished.Task;

    internal void SetStatus(int status) { lock (_gate) { _statusCode = status; } }

    internal void AddChunk(DateTimeOffset at) { lock (_gate) { _chunkTimes.Add(at); } }

    internal void MarkAborted(DateTimeOffset at)
    {
        lock (_gate) { _abortedAt ??= at; }
        _aborted.TrySetResult(true);
    }

    internal void MarkFinished(DateTimeOffset at)
    {
        lock (_gate) { _finishedAt ??= at; }
        _finished.TrySetResult(true);
    }

    /// <inheritdoc />
    public override string ToString() => $"#{Index} {Method} {Path}{QueryString} model={Model} stream={Stream} status={StatusCode} aborted={Aborted}";
}
