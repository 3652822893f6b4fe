namespace AiProxy.Transforms.Upstream;

/// <summary>Replaces the value of the top-level <c>model</c> field in a JSON body without re-serializing it.</summary>
public static class ModelRewriter
{
    /// <summary>
    /// Splices <paramref name="newModel"/> over the string token at <paramref name="valueStart"/> (the opening quote)
    /// spanning <paramref name="valueLength"/> bytes (both quotes included).
    /// </summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> body, int valueStart, int valueLength, string newModel)
    {
        var encoded = System.Text.Json.JsonEncodedText.Encode(newModel).EncodedUtf8Bytes;
        var result = new byte[body.Length - valueLength + encoded.Length + 2];
        body[..valueStart].CopyTo(result);
        var at = valueStart;
        result[at++] = (byte)'"';
        encoded.CopyTo(result.AsSpan(at));
        at += encoded.Length;
        result[at++] = (byte)'"';
        body[(valueStart + valueLength)..].CopyTo(result.AsSpan(at));
        return result;
    }
}
