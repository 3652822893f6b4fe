using System.Buffers;
using System.Text.Json;

namespace AiProxy.MockUpstream;

internal sealed partial class MockHandler
{
    private const long ModelCreated = 1700000000;
    private byte[]? _modelList;

    private Task WriteModelsAsync(Call call)
    {
        // Built once: the list only depends on the options.
        var bytes = _modelList ??= BuildModelList(options.Models);
        SetHeaders(call, call.Plan.Status, "application/json");
        return WriteBodyAsync(call, bytes);
    }

    private Task WriteModelAsync(Call call)
    {
        var id = call.Route.ModelId!;
        if (!options.Models.Contains(id))
        {
            return WriteErrorAsync(call, 404, $"The model '{id}' does not exist", "invalid_request_error", "model_not_found", "model");
        }
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer)) WriteModel(w, id);
        SetHeaders(call, call.Plan.Status, "application/json");
        return WriteBodyAsync(call, buffer.WrittenMemory);
    }

    private static byte[] BuildModelList(IEnumerable<string> models)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object"u8, "list"u8);
            w.WriteStartArray("data"u8);
            foreach (var m in models) WriteModel(w, m);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteModel(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "model"u8);
        w.WriteNumber("created"u8, ModelCreated);
        w.WriteString("owned_by"u8, "mock"u8);
        w.WriteEndObject();
    }
}
