namespace AiProxy.Pipeline;

/// <summary>
/// Remembers the last value formatted for one header and its text: a client's limit and a steady reset repeat on
/// every answer, so most answers reuse the string instead of formatting a new one. Lock-free: a race only formats twice.
/// </summary>
internal sealed class LastFormatted
{
    private readonly Func<long, string> _format;
    private Entry? _last;

    public LastFormatted(Func<long, string> format) => _format = format;

    public string Get(long value)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Value == value)
        {
            return last.Text;
        }
        var text = _format(value);
        Volatile.Write(ref _last, new Entry(value, text));
        return text;
    }

    private sealed record Entry(long Value, string Text);
}
