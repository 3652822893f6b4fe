using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AiProxy.MockUpstream;

/// <summary>Writes SSE events straight into the response pipe, flushing after each, and applies the abort / error-after plan.</summary>
internal sealed class SseWriter : IDisposable
{
    private readonly HttpContext _ctx;
    private readonly MockRequest _request;
    private readonly ResponsePlan _plan;
    private readonly TimeProvider _time;
    private readonly bool _record;
    private readonly PipeWriter _pipe;
    private int _written;

    public SseWriter(HttpContext ctx, MockRequest request, ResponsePlan plan, TimeProvider time, bool record)
    {
        _ctx = ctx;
        _request = request;
        _plan = plan;
        _time = time;
        _record = record;
        _pipe = ctx.Response.BodyWriter;
        Json = new Utf8JsonWriter(_pipe);
    }

    /// <summary>The writer for the JSON of the current event, valid between <see cref="BeginAsync"/> and <see cref="EndAsync"/>.</summary>
    public Utf8JsonWriter Json { get; }

    /// <summary>Starts an event; <see langword="false"/> when the plan ends the stream here (connection aborted or error event sent).</summary>
    public async ValueTask<bool> BeginAsync(string? eventName = null)
    {
        if (_written == 0 && _plan.FirstEventDelay > TimeSpan.Zero)
        {
            await _pipe.FlushAsync(_ctx.RequestAborted); // the headers go out first
            await Task.Delay(_plan.FirstEventDelay, _time, _ctx.RequestAborted);
        }
        if (_plan.AbortAfterChunks == _written)
        {
            await MockHandler.AbortAsync(_ctx, _request, _time, graceful: _written > 0);
            return false;
        }
        if (_plan.ErrorAfterChunks == _written)
        {
            Json.Reset();
            _pipe.Write("data: "u8);
            Json.WriteStartObject();
            var (type, code, message) = MockHandler.ErrorDefaults(500, null, null, "The server had an error while processing your request (mock, mid-stream).", null);
            MockHandler.WriteErrorObject(Json, message, type, code, null);
            Json.WriteEndObject();
            Json.Flush();
            _pipe.Write("\n\n"u8);
            await FlushAsync();
            return false;
        }
        if (eventName is not null)
        {
            _pipe.Write("event: "u8);
            Encoding.UTF8.GetBytes(eventName.AsSpan(), _pipe);
            _pipe.Write("\n"u8);
        }
        _pipe.Write("data: "u8);
        Json.Reset();
        return true;
    }

    /// <summary>Ends the current event and flushes it to the client.</summary>
    public ValueTask EndAsync()
    {
        Json.Flush();
        _pipe.Write("\n\n"u8);
        return FlushAsync();
    }

    /// <summary>Writes <c>data: [DONE]</c> unless the plan ends the stream first.</summary>
    public async ValueTask DoneAsync()
    {
        if (_plan.AbortAfterChunks == _written)
        {
            await MockHandler.AbortAsync(_ctx, _request, _time, graceful: _written > 0);
            return;
        }
        if (_plan.ErrorAfterChunks == _written)
        {
            await BeginAsync(); // writes the error event
            return;
        }
        _pipe.Write("data: [DONE]\n\n"u8);
        await FlushAsync();
    }

    private async ValueTask FlushAsync()
    {
        await _pipe.FlushAsync(_ctx.RequestAborted);
        _written++;
        if (_record) _request.AddChunk(_time.GetUtcNow());
    }

    public void Dispose() => Json.Dispose();
}
