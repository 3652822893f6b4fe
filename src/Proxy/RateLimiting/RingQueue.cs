namespace AiProxy.RateLimiting;

/// <summary>A growable FIFO with O(1) indexing from the head; <see cref="Queue{T}"/> has no indexer, and the retry delay needs the n-th oldest entry.</summary>
internal sealed class RingQueue<T>
{
    private T[] _items = new T[4];
    private int _head;

    public int Count { get; private set; }

    public T this[int index]
    {
        get => _items[(_head + index) % _items.Length];
        set => _items[(_head + index) % _items.Length] = value;
    }

    public T PeekOldest() => _items[_head];

    public T PeekNewest() => this[Count - 1];

    public void Enqueue(T item)
    {
        if (Count == _items.Length)
        {
            var bigger = new T[_items.Length * 2];
            for (var i = 0; i < Count; i++) bigger[i] = this[i];
            _items = bigger;
            _head = 0;
        }
        _items[(_head + Count) % _items.Length] = item;
        Count++;
    }

    public T Dequeue()
    {
        var item = _items[_head];
        _items[_head] = default!;
        _head = (_head + 1) % _items.Length;
        Count--;
        return item;
    }
}
