using AiProxy.Caching.Semantic;
using Microsoft.ML.OnnxRuntime;

namespace AiProxy.SemanticEval;

internal static class RssProbe
{
    public static void Run(string variant)
    {
        static string R() => $"{Environment.WorkingSet / 1048576} MB";
        Console.WriteLine($"start {R()}");
        var bytes = EmbeddedModelFiles.Read(EmbeddedModelFiles.ModelResource);
        Console.WriteLine($"read {R()}");
        using var o = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, EnableCpuMemArena = variant != "noarena", EnableMemoryPattern = false };
        if (variant.StartsWith("prepack")) o.AddSessionConfigEntry("session.disable_prepacking", "1");
        InferenceSession s;
        if (variant == "file") { File.WriteAllBytes("/tmp/m.onnx", bytes); bytes = null!; GC.Collect(); s = new InferenceSession("/tmp/m.onnx", o); }
        else s = new InferenceSession(bytes, o);
        Console.WriteLine($"session {R()}");
        bytes = null!;
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, variant == "aggr" || variant=="prepackaggr" ? GCCollectionMode.Aggressive : GCCollectionMode.Forced, true, true);
        Console.WriteLine($"gc {R()}");
        s.Dispose();
    }
}
