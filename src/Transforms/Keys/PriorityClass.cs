namespace AiProxy.Transforms.Keys;

/// <summary>A client's priority class; under key-pool pressure lower classes are refused first.</summary>
public enum PriorityClass
{
    /// <summary>Yields first: refused once the pool is down to the critical reserve plus half of the rest.</summary>
    Low,

    /// <summary>The default class.</summary>
    Normal,

    /// <summary>Refused only when just the critical reserve is left.</summary>
    High,

    /// <summary>Never refused for pressure; the only class that may use keys marked <c>ReservedFor: critical</c>.</summary>
    Critical,
}
