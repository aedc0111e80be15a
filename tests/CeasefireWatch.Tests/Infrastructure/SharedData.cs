namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>
/// The team's shared real data (<c>shared/data</c>, beside the repository: CI copies it next to the clone). Found by
/// walking up from the test assembly to the folder holding <c>CeasefireWatch.sln</c>, then <c>../shared/data</c>.
/// A missing file fails the test with a message saying where it was looked for: CI refuses skipped tests.
/// </summary>
public static class SharedData
{
    public static string PathOf(string fileName)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "CeasefireWatch.sln")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, $"No folder above {AppContext.BaseDirectory} holds CeasefireWatch.sln.");
        var path = Path.GetFullPath(Path.Combine(root!.FullName, "..", "shared", "data", fileName));
        Assert.True(File.Exists(path), $"The shared data file {path} is missing: put shared/ beside the repository (see shared/data/README.md).");
        return path;
    }
}
