using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace AiProxy.Transforms.Keys;

/// <summary>Parses and formats the rate-limit and retry headers OpenAI-compatible upstreams send.</summary>
public static class RateLimitHeaders
{
    /// <summary>The <c>retry-after-ms</c> header name (milliseconds, read before <c>retry-after</c>).</summary>
    public const string RetryAfterMs = "retry-after-ms";

    /// <summary>The <c>retry-after</c> header name (seconds or an HTTP date).</summary>
    public const string RetryAfter = "retry-after";

    /// <summary>The <c>x-ratelimit-limit-requests</c> header name.</summary>
    public const string LimitRequests = "x-ratelimit-limit-requests";

    /// <summary>The <c>x-ratelimit-limit-tokens</c> header name.</summary>
    public const string LimitTokens = "x-ratelimit-limit-tokens";

    /// <summary>The <c>x-ratelimit-remaining-requests</c> header name.</summary>
    public const string RemainingRequests = "x-ratelimit-remaining-requests";

    /// <summary>The <c>x-ratelimit-remaining-tokens</c> header name.</summary>
    public const string RemainingTokens = "x-ratelimit-remaining-tokens";

    /// <summary>The <c>x-ratelimit-reset-requests</c> header name (a Go-style duration).</summary>
    public const string ResetRequests = "x-ratelimit-reset-requests";

    /// <summary>The <c>x-ratelimit-reset-tokens</c> header name (a Go-style duration).</summary>
    public const string ResetTokens = "x-ratelimit-reset-tokens";

    // TimeSpan ticks are 100 ns, so nanoseconds are kept as fractional ticks until the end.
    private const decimal TicksPerNanosecond = 0.01m;
    private const decimal TicksPerMicrosecond = 10m;

    /// <summary>Parses a reset duration: Go style (<c>1s</c>, <c>20ms</c>, <c>6m0s</c>, <c>1h2m3.5s</c>) or plain seconds (<c>30</c>, <c>1.5</c>).</summary>
    public static bool TryParseDuration(ReadOnlySpan<char> value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        value = value.Trim();
        if (value.IsEmpty)
        {
            return false;
        }

        if (TryParseSeconds(value, out duration))
        {
            return true;
        }

        decimal ticks = 0;
        while (!value.IsEmpty)
        {
            if (!TryReadDurationPart(ref value, out var number, out var unit))
            {
                return false;
            }

            try
            {
                ticks += number * unit;
            }
            catch (OverflowException)
            {
                return false;
            }

            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)decimal.Round(ticks, MidpointRounding.AwayFromZero));
        return true;
    }

    /// <summary>Reads one <c>number unit</c> part (<c>3.5s</c>) off the front of <paramref name="value"/>; <paramref name="unit"/> is in ticks.</summary>
    private static bool TryReadDurationPart(ref ReadOnlySpan<char> value, out decimal number, out decimal unit)
    {
        unit = 0;
        var numberLength = ScanNumber(value, out var digits);
        if (digits == 0 || numberLength > 28
            || !decimal.TryParse(value[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number))
        {
            number = 0;
            return false;
        }

        value = value[numberLength..];
        var unitLength = 0;
        while (unitLength < value.Length && !char.IsAsciiDigit(value[unitLength]) && value[unitLength] != '.')
        {
            unitLength++;
        }

        if (UnitTicks(value[..unitLength]) is not { } ticks)
        {
            return false;
        }

        unit = ticks;
        value = value[unitLength..];
        return true;
    }

    /// <summary>Returns the length of the leading digits-and-one-dot run of <paramref name="value"/> and how many digits it holds.</summary>
    private static int ScanNumber(ReadOnlySpan<char> value, out int digits)
    {
        var length = 0;
        digits = 0;
        var seenDot = false;
        while (length < value.Length)
        {
            var c = value[length];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == '.' && !seenDot)
            {
                seenDot = true;
            }
            else
            {
                break;
            }
            length++;
        }

        return length;
    }

    private static decimal? UnitTicks(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => TicksPerNanosecond,
        "us" or "µs" or "μs" => TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        _ => null,
    };

    /// <summary>Parses a <c>retry-after</c> value: seconds (fractions allowed) or an HTTP date, taken relative to <paramref name="now"/>; a past date gives zero.</summary>
    public static bool TryParseRetryAfter(ReadOnlySpan<char> value, DateTimeOffset now, out TimeSpan delay)
    {
        value = value.Trim();
        if (TryParseSeconds(value, out delay))
        {
            return true;
        }

        if (!value.IsEmpty && HeaderUtilities.TryParseDate(value.ToString(), out var date))
        {
            delay = date > now ? date - now : TimeSpan.Zero;
            return true;
        }

        delay = TimeSpan.Zero;
        return false;
    }

    /// <summary>Parses a <c>retry-after-ms</c> value (milliseconds, fractions allowed).</summary>
    public static bool TryParseRetryAfterMs(ReadOnlySpan<char> value, out TimeSpan delay)
    {
        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms)
            && double.IsFinite(ms) && ms <= TimeSpan.MaxValue.TotalMilliseconds)
        {
            delay = TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));
            return true;
        }

        delay = TimeSpan.Zero;
        return false;
    }

    /// <summary>Parses a non-negative integer header such as <c>x-ratelimit-remaining-requests</c>.</summary>
    public static bool TryParseCount(ReadOnlySpan<char> value, out long count)
        => long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out count);

    /// <summary>Formats a duration the way Go's <c>time.Duration.String</c> does, as OpenAI's reset headers are written: <c>1s</c>, <c>6m0s</c>, <c>20ms</c>, <c>1h2m3.5s</c>.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var ticks = duration.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        var negative = ticks < 0;
        // TimeSpan.MinValue cannot be negated; one tick less does not matter for a header.
        var magnitude = negative ? (ticks == long.MinValue ? long.MaxValue : -ticks) : ticks;
        var sign = negative ? "-" : string.Empty;

        if (magnitude < TimeSpan.TicksPerSecond)
        {
            if (magnitude < TimeSpan.TicksPerMillisecond)
            {
                if (magnitude < 10)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{sign}{magnitude * 100}ns");
                }

                return sign + WithFraction(magnitude / 10, magnitude % 10, 1) + "µs";
            }

            return sign + WithFraction(magnitude / TimeSpan.TicksPerMillisecond, magnitude % TimeSpan.TicksPerMillisecond, 4) + "ms";
        }

        var hours = magnitude / TimeSpan.TicksPerHour;
        var minutes = magnitude / TimeSpan.TicksPerMinute % 60;
        var seconds = WithFraction(magnitude / TimeSpan.TicksPerSecond % 60, magnitude % TimeSpan.TicksPerSecond, 7);
        if (hours > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{hours}h{minutes}m{seconds}s");
        }

        return minutes > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{minutes}m{seconds}s")
            : sign + seconds + "s";
    }

    private static string WithFraction(long whole, long fraction, int fractionDigits)
    {
        if (fraction == 0)
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        var digits = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(fractionDigits, '0').TrimEnd('0');
        return string.Create(CultureInfo.InvariantCulture, $"{whole}.{digits}");
    }

    private static bool TryParseSeconds(ReadOnlySpan<char> value, out TimeSpan duration)
    {
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && seconds <= TimeSpan.MaxValue.TotalSeconds)
        {
            duration = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
            return true;
        }

        duration = TimeSpan.Zero;
        return false;
    }
}
