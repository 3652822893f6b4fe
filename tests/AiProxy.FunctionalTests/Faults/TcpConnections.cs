using System.Globalization;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>
/// Open TCP connections on this machine by port, read from <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>: a leak check that
/// does not depend on which process (test client, in-process proxy, child process) holds the socket.
/// </summary>
internal static class TcpConnections
{
    private const string Established = "01";

    /// <summary>Established connections whose remote end is <paramref name="port"/> (client sockets connected to a server on it).</summary>
    public static int EstablishedTo(int port) => Count(port, remote: true);

    /// <summary>Established connections whose local end is <paramref name="port"/> (the server's side of them).</summary>
    public static int EstablishedAt(int port) => Count(port, remote: false);

    private static int Count(int port, bool remote)
    {
        var count = 0;
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file))
            {
                continue;
            }
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                // "sl local_address rem_address st …", addresses as HEXIP:HEXPORT.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != Established)
                {
                    continue;
                }
                var address = fields[remote ? 2 : 1];
                var colon = address.LastIndexOf(':');
                if (int.Parse(address.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
