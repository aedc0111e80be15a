namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>Where the repository's own files are, for tests that read the sources or run the web project's build.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding CeasefireWatch.sln, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The web project's folder (its content root: appsettings.json, wwwroot, Pages).</summary>
    public static string WebProject => Path.Combine(Root, "src", "CeasefireWatch.Web");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CeasefireWatch.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("CeasefireWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
