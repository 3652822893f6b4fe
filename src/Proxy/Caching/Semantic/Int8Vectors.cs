using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Vector arithmetic for the index: int8 quantisation with one scale per vector (cosine error ~1e-3, a quarter of the
/// float32 size), sign bits for a Hamming pre-filter, and an int8 dot product.
/// </summary>
internal static class Int8Vectors
{
    /// <summary>Quantises a unit vector to int8 in [-127, 127]; returns the scale (value = q * scale).</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> destination)
    {
        var maxAbs = TensorPrimitives.MaxMagnitude(vector);
        maxAbs = Math.Abs(maxAbs);
        if (maxAbs <= 0 || !float.IsFinite(maxAbs))
        {
            destination.Clear();
            return 0;
        }

        var inverse = 127f / maxAbs;
        for (var i = 0; i < vector.Length; i++)
        {
            destination[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        }

        return maxAbs / 127f;
    }

    /// <summary>Writes one bit per dimension (set when the component is positive).</summary>
    public static void SignBits(ReadOnlySpan<float> vector, Span<ulong> destination)
    {
        destination.Clear();
        for (var i = 0; i < vector.Length; i++)
        {
            if (vector[i] > 0)
            {
                destination[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>Number of differing sign bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hamming(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        var distance = 0;
        for (var i = 0; i < a.Length; i++)
        {
            distance += BitOperations.PopCount(a[i] ^ b[i]);
        }

        return distance;
    }

    /// <summary>Integer dot product of two int8 vectors of equal length.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && a.Length >= 32)
        {
            var accumulator = Vector256<int>.Zero;
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            for (; i <= a.Length - 32; i += 32)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
                var (aLow, aHigh) = Vector256.Widen(va);
                var (bLow, bHigh) = Vector256.Widen(vb);
                accumulator = Avx2.Add(accumulator, Avx2.MultiplyAddAdjacent(aLow, bLow));
                accumulator = Avx2.Add(accumulator, Avx2.MultiplyAddAdjacent(aHigh, bHigh));
            }

            sum = Vector256.Sum(accumulator);
        }
        else if (Vector128.IsHardwareAccelerated && a.Length >= 16)
        {
            var accumulator = Vector128<int>.Zero;
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            for (; i <= a.Length - 16; i += 16)
            {
                var (aLow, aHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref ra, (nuint)i));
                var (bLow, bHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref rb, (nuint)i));
                var low = aLow * bLow;
                var high = aHigh * bHigh;
                var (l0, l1) = Vector128.Widen(low);
                var (h0, h1) = Vector128.Widen(high);
                accumulator += l0 + l1 + h0 + h1;
            }

            sum = Vector128.Sum(accumulator);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
