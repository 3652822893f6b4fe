namespace AiProxy.Transforms.Keys;

/// <summary>How much of a key pool's capacity a priority class can still use, read without reserving anything.</summary>
/// <param name="Headroom">The mean headroom (0..1) of the keys the class may use: per-minute limits and upstream <c>x-ratelimit-remaining</c> versus limit; a key cooling down after a 429, open or disabled counts as 0.</param>
/// <param name="Keys">How many keys the class may use.</param>
/// <param name="RecoverIn">How long until the soonest of those keys gets capacity back (a window resets or a cooldown ends).</param>
/// <param name="CriticalReserve">The share of capacity the provider keeps for the critical class (0 = no priority shedding).</param>
public readonly record struct KeyPoolPressure(double Headroom, int Keys, TimeSpan RecoverIn, double CriticalReserve);
