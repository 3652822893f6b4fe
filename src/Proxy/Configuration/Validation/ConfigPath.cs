using System.Text;

namespace AiProxy.Configuration.Validation;

/// <summary>Turns configuration paths (<c>AiProxy:Routes:0:Models</c>) into JSON paths (<c>$.AiProxy.Routes[0].Models</c>).</summary>
internal static class ConfigPath
{
    public static string ToJsonPath(string configPath)
    {
        var sb = new StringBuilder("$");
        foreach (var segment in configPath.Split(':'))
        {
            if (segment.Length > 0 && segment.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
            {
                sb.Append('[').Append(segment).Append(']');
            }
            else
            {
                sb.Append('.').Append(segment);
            }
        }
        return sb.ToString();
    }

    public static string Child(string parent, string name) => parent + "." + name;

    public static string Index(string parent, int index) => parent + "[" + index + "]";
}
