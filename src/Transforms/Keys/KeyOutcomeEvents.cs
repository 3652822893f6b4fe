namespace AiProxy.Transforms.Keys;

/// <summary>State transitions an outcome caused, returned out of the key's lock so logging happens outside it.</summary>
[Flags]
internal enum KeyOutcomeEvents
{
    None = 0,
    Disabled = 1,
    CoolingDown = 2,
    CircuitOpened = 4,
    CircuitClosed = 8,
    QuotaExhausted = 16,
}
