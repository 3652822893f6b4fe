using AiProxy.RateLimiting;
using AiProxy.Routing;

namespace AiProxy.Clients;

/// <summary>A client of the proxy as compiled from config: its id (safe to log), limits and allowed models.</summary>
internal sealed class ClientIdentity
{
    public const string AnonymousId = "anonymous";

    public ClientIdentity(string id, ClientRateLimit limits, ModelGlob[]? allowedModels)
    {
        Id = id;
        Limits = limits;
        AllowedModels = allowedModels;
    }

    public string Id { get; }

    public ClientRateLimit Limits { get; }

    /// <summary>Gets the model globs this client may use; null means all.</summary>
    public ModelGlob[]? AllowedModels { get; }

    public bool MayUse(string model)
    {
        if (AllowedModels is null)
        {
            return true;
        }
        foreach (var glob in AllowedModels)
        {
            if (glob.IsMatch(model))
            {
                return true;
            }
        }
        return false;
    }
}
