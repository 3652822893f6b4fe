namespace AiProxy.Upstream;

/// <summary>
/// The providers of a route (by index) that failed with 5xx or a connect error in this request; the first selection
/// pass skips them. Created on the first failure only, so a request that succeeds at once allocates none.
/// </summary>
internal sealed class FailedProviderSet
{
    private readonly bool[] _failed;
    private int _count;

    public FailedProviderSet(int providerCount) => _failed = new bool[providerCount];

    public bool IsEmpty => _count == 0;

    /// <summary>Gets a value indicating whether some provider of the route has not failed yet.</summary>
    public bool HasUntried => _count < _failed.Length;

    public bool Contains(int index) => _failed[index];

    public void Add(int index)
    {
        if (!_failed[index])
        {
            _failed[index] = true;
            _count++;
        }
    }
}
