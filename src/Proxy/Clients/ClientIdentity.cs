using AiProxy.RateLimiting;
using AiProxy.RateLimiting.Budgets;
using AiProxy.Routing;
using AiProxy.Transforms.Keys;

namespace AiProxy.Clients;

/// <summary>A client of the proxy as compiled from config: its id (safe to log), limits, budgets, priority and allowed models.</summary>
internal sealed class ClientIdentity
{
    public const string AnonymousId = "anonymous";

    public ClientIdentity(string id, ClientRateLimit limits, ModelGlob[]? allowedModels, ClientBudget? budget = null, PriorityClass priority = PriorityClass.Normal)
    {
        Id = id;
        Limits = limits;
        AllowedModels = allowedModels;
        Budget = budget ?? ClientBudget.None;
        Priority = priority;
    }

    public string Id { get; }

    public ClientRateLimit Limits { get; }

    /// <summary>Gets the client's calendar budgets (<c>Budget</c> plus <c>RequestsPerHour</c>/<c>RequestsPerDay</c>).</summary>
    public ClientBudget Budget { get; }

    /// <summary>Gets the client's priority class (who is refused first when a provider's keys run short).</summary>
    public PriorityClass Priority { get; }

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
