using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add X --context PostgresAppDbContext</c> build the PostgreSQL model without a server
/// and without starting the app (which would start on SQLite). Never used at run time. See docs/operations.md,
/// "Schema changes", for the one command that regenerates the PostgreSQL migrations.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>()
            .UseNpgsql("Host=localhost;Database=ceasefirewatch_design")
            .Options);
}
