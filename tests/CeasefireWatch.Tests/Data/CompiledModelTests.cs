using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Data.CompiledModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CeasefireWatch.Tests.Data;

/// <summary>
/// The SQLite model is compiled ahead of time (Data/CompiledModel, for a faster start: docs/performance.md). A compiled
/// model does not follow the entity configuration by itself: when the two part, this fails and says how to regenerate it.
/// </summary>
public sealed class CompiledModelTests
{
    private const string Regenerate =
        "The compiled model is stale: regenerate it with `dotnet ef dbcontext optimize -p src/CeasefireWatch.Web -c AppDbContext "
        + "-o Data/CompiledModel -n CeasefireWatch.Web.Data.CompiledModel` (docs/architecture.md).";

    [Fact]
    public void The_app_uses_the_compiled_model_and_it_matches_the_model_the_configuration_builds()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options;
        using var app = new AppDbContext(options);
        using var fromConfiguration = new BuiltFromConfiguration(options);

        // The models queries and saves run on (IDesignTimeModel would build the configuration's model in both).
        var compiled = app.Model;
        var built = fromConfiguration.Model;

        Assert.Same(AppDbContextModel.Instance, compiled);
        Assert.NotSame(AppDbContextModel.Instance, built);
        Assert.True(Describe(built) == Describe(compiled), Regenerate);
    }

    private static string Describe(IModel model) => model.ToDebugString(MetadataDebugStringOptions.LongDefault);

    /// <summary>A context of another type, so EF Core finds no compiled model for it and builds one from the configuration.</summary>
    private sealed class BuiltFromConfiguration(DbContextOptions<AppDbContext> options) : AppDbContext(options);
}
