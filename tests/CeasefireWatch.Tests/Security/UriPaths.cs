namespace CeasefireWatch.Tests.Security;

internal static class UriPaths
{
    /// <summary>The path and query of a redirect target, whether the server wrote it absolute or relative.</summary>
    public static string PathAndQuery(this Uri uri) => uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
}
