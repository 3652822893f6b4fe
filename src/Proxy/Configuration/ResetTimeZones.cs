namespace AiProxy.Configuration;

/// <summary>Resolves <c>Budget.ResetTimeZone</c>: the one lookup shared by the validator and the client compiler.</summary>
internal static class ResetTimeZones
{
    /// <summary>Resolves an IANA (or Windows) id; absent means UTC; <see langword="false"/> when the zone is unknown on this machine.</summary>
    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (id is null || string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
