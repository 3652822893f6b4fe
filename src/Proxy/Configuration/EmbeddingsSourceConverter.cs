using System.ComponentModel;
using System.Globalization;

namespace AiProxy.Configuration;

/// <summary>
/// Lets the configuration binder read <c>"Embeddings": "local"</c> into <see cref="SemanticEmbeddingsOptions"/>; the
/// object form binds its properties as usual. The name is checked by the validator, not here.
/// </summary>
public sealed class EmbeddingsSourceConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string name ? new SemanticEmbeddingsOptions(name) : base.ConvertFrom(context, culture, value);
}
