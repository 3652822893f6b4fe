using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// The int8 weight range the quantised model uses on this CPU. ONNX Runtime multiplies u8 activations by s8 weights.
/// On x86 without VNNI its AVX2 and AVX-512 kernels use <c>vpmaddubsw</c>, which adds two u8×s8 products into an
/// int16 and saturates: 2 × 255 × 127 = 64 770 &gt; 32 767. With 7-bit weights (±63, what ORT's <c>reduce_range</c>
/// does) the pair sum stays below 32 767. VNNI (<c>vpdpbusd</c>) accumulates in int32 and cannot saturate, and on ARM64
/// ONNX Runtime's NEON kernel (u8→u16, then <c>umlal</c> into int32), dot-product (UDOT/SDOT) and I8MM kernels cannot
/// either, so those use the full ±127.
/// </summary>
internal static class Int8WeightRange
{
    /// <summary>The full int8 range, where products accumulate in 32 bits.</summary>
    public const int Full = 127;

    /// <summary>The 7-bit range, where a pair of u8×s8 products must fit in an int16.</summary>
    public const int Reduced = 63;

    private static readonly Lazy<int> ThisCpu = new(() => Choose(IsX86, HasVnni()));

    /// <summary>Gets the range for the CPU this process runs on (decided once, from CPUID; no model is loaded).</summary>
    public static int ForThisCpu => ThisCpu.Value;

    private static bool IsX86 => RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    /// <summary>Full range unless the CPU is x86 without VNNI.</summary>
    public static int Choose(bool isX86, bool hasVnni) => !isX86 || hasVnni ? Full : Reduced;

    /// <summary>Gets the label of a range for logs, metrics-free diagnostics and the Redis partition.</summary>
    public static string Describe(int maxWeight) => maxWeight == Full ? "int8" : maxWeight == Reduced ? "int8-7bit" : $"int8-{maxWeight}";

    /// <summary>
    /// AVX-VNNI (VEX, Alder Lake and later), AVX10.1 (which includes AVX-512 VNNI), or AVX-512 VNNI (Cascade Lake, Ice
    /// Lake, Zen 4): .NET 10 exposes no class for the last one, so CPUID leaf 7 ECX bit 11 is read, as ONNX Runtime
    /// does, and only with AVX-512BW (ORT's VNNI kernel needs AVX-512 core). A runtime with AVX disabled by
    /// DOTNET_Enable* reports false here while ORT may still use VNNI: that errs on the safe side.
    /// </summary>
    private static bool HasVnni()
    {
        if (AvxVnni.IsSupported || Avx10v1.IsSupported)
        {
            return true;
        }

        if (!X86Base.IsSupported || !Avx512BW.IsSupported)
        {
            return false;
        }

        var (_, _, ecx, _) = X86Base.CpuId(7, 0);
        return (ecx & (1 << 11)) != 0;
    }
}
