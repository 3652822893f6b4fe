using System.Runtime.InteropServices;
using AiProxy.Caching.Semantic;
using AiProxy.Configuration;

namespace AiProxy.Tests.Caching.Semantic;

public sealed class Int8WeightRangeTests
{
    [Theory]
    [InlineData(true, true, Int8WeightRange.Full)] // x86 with AVX-VNNI / AVX-512 VNNI: int32 accumulation
    [InlineData(true, false, Int8WeightRange.Reduced)] // x86 AVX2 / AVX-512 without VNNI: vpmaddubsw saturates int16
    [InlineData(false, false, Int8WeightRange.Full)] // ARM64: NEON, UDOT/SDOT and I8MM kernels widen to 32 bits
    public void Choose_ByCpu(bool isX86, bool hasVnni, int expected)
    {
        Assert.Equal(expected, Int8WeightRange.Choose(isX86, hasVnni));
    }

    [Fact]
    public void ForThisCpu_MatchesTheKernelsCpuFlags()
    {
        var isX86 = RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.X86;
        if (!isX86 || !File.Exists("/proc/cpuinfo"))
        {
            Assert.Equal(Int8WeightRange.Full, Int8WeightRange.ForThisCpu);
            return;
        }

        // The kernel's view of CPUID, as ONNX Runtime reads it: AVX-VNNI, or AVX-512 VNNI with AVX-512BW.
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
        var vnni = flags.Contains("avx_vnni") || (flags.Contains("avx512_vnni") && flags.Contains("avx512bw"));

        Assert.Equal(vnni ? Int8WeightRange.Full : Int8WeightRange.Reduced, Int8WeightRange.ForThisCpu);
    }

    [Fact]
    public void EmbedderId_NamesPrecisionAndRange_WithoutLoadingTheModel()
    {
        using var fp32 = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { Precision = LocalEmbeddingPrecision.Fp32 });
        using var full = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { WeightRange = Int8WeightRange.Full });
        using var reduced = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { WeightRange = Int8WeightRange.Reduced });
        using var shipped = new LocalMiniLmEmbeddingGenerator();

        Assert.Equal(("minilm-fp32", "minilm-int8", "minilm-int8-7bit"), (fp32.EmbedderId, full.EmbedderId, reduced.EmbedderId));
        Assert.Equal("minilm-" + Int8WeightRange.Describe(Int8WeightRange.ForThisCpu), shipped.EmbedderId);
        Assert.False(shipped.IsLoaded);
    }
}
