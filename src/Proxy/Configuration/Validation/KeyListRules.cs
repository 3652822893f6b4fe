using AiProxy.Transforms.Keys;

namespace AiProxy.Configuration.Validation;

/// <summary>Checks a key list (<c>Providers.*.Keys</c>, <c>Clients.*.Keys</c>) without ever echoing a key.</summary>
internal static class KeyListRules
{
    public static void KeyList(this ConfigValidationContext context, List<string>? keys, bool present, string path)
    {
        if (keys is null || keys.Count == 0)
        {
            if (present)
            {
                context.Add(path, "the key list is empty; list at least one key (a literal, env:NAME or file:PATH)");
            }
            return;
        }
        for (var i = 0; i < keys.Count; i++)
        {
            var spec = keys[i];
            var p = ConfigPath.Index(path, i);
            if (string.IsNullOrWhiteSpace(spec))
            {
                context.Add(p, "key is empty");
            }
            else if (KeySpec.Parse(spec) is { Kind: KeySpecKind.Environment, Value.Length: 0 })
            {
                context.Add(p, "env: needs a variable name (env:NAME)");
            }
            else if (KeySpec.Parse(spec) is { Kind: KeySpecKind.File, Value.Length: 0 })
            {
                context.Add(p, "file: needs a path (file:/path/to/key)");
            }
        }
    }
}
