namespace AiProxy.Transforms.Keys;

/// <summary>A key only clients of <see cref="ReservedFor"/> or a higher class may use (critical-key isolation).</summary>
public sealed class ReservedKey
{
    /// <summary>Gets or sets the key spec: a literal key, <c>env:NAME</c> or <c>file:PATH</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>Gets or sets the lowest class that may use the key.</summary>
    /// <value>Defaults to <see cref="PriorityClass.Critical"/>.</value>
    public PriorityClass ReservedFor { get; set; } = PriorityClass.Critical;
}
