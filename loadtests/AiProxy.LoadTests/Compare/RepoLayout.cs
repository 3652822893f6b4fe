using System.Net;
using System.Net.Sockets;

namespace AiProxy.LoadTests.Compare;

/// <summary>Where the built DLLs and configs are, relative to the repository root found above this program.</summary>
internal static class RepoLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release when this program runs from a Release build (as compare expects), else Debug.</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string MockDll => Path.Combine(Root, "loadtests", "MockUpstream", "bin", Configuration, "net10.0", "MockUpstream.dll");

    public static string BareYarpDll => Path.Combine(Root, "loadtests", "BareYarp", "bin", Configuration, "net10.0", "BareYarp.dll");

    public static string AiProxyDll => Path.Combine(Root, "src", "Proxy", "bin", Configuration, "net10.0", "AiProxy.dll");

    public static string LoadTestConfig => Path.Combine(AppContext.BaseDirectory, "aiproxy.loadtest.json");

    public static string DefaultResults => Path.Combine(Root, "loadtests", "results");

    /// <summary>A port free right now on 127.0.0.1 (the child binds it a moment later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AiProxy.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
