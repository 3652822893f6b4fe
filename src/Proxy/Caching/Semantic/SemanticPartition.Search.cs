using System.Buffers;

namespace AiProxy.Caching.Semantic;

internal sealed partial class SemanticPartition
{
    private void Consider(int i, ReadOnlySpan<sbyte> query, float queryScale, long expiredBefore, ref Top3 top)
    {
        if (_created[i] <= expiredBefore)
        {
            return;
        }

        var score = Int8Vectors.Dot(query, Vector(i)) * queryScale * _scales[i];
        top.Offer(i, score);
    }

    private void SearchPrefiltered(int count, ReadOnlySpan<sbyte> query, float queryScale, ReadOnlySpan<ulong> queryBits, long expiredBefore, ref Top3 top)
    {
        var distances = ArrayPool<ushort>.Shared.Rent(count);
        var histogram = ArrayPool<int>.Shared.Rent(_dimensions + 1);
        try
        {
            Array.Clear(histogram, 0, _dimensions + 1);
            for (var i = 0; i < count; i++)
            {
                var d = Int8Vectors.Hamming(queryBits, _bits.AsSpan(i * _words, _words));
                distances[i] = (ushort)d;
                histogram[d]++;
            }

            // The cut-off distance that keeps at least RescoreCandidates entries (counting sort, no full sort).
            var cutoff = 0;
            for (var kept = 0; cutoff <= _dimensions; cutoff++)
            {
                kept += histogram[cutoff];
                if (kept >= RescoreCandidates)
                {
                    break;
                }
            }

            for (var i = 0; i < count; i++)
            {
                if (distances[i] <= cutoff)
                {
                    Consider(i, query, queryScale, expiredBefore, ref top);
                }
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(distances);
            ArrayPool<int>.Shared.Return(histogram);
        }
    }

    private bool IsDistinct(int slot, string text, string answerKey) =>
        slot >= 0
        && !string.Equals(EntryPayload.Text(_payloads[slot]), text, StringComparison.OrdinalIgnoreCase)
        && EntryPayload.AnswerKey(_payloads[slot]) != answerKey;
}
