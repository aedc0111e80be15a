using CeasefireWatch.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Data;

/// <summary>
/// The writers that bypass SaveChanges convert values with each converter's compiled expression; what they store must
/// be exactly what EF Core's own conversion stores, for every converted property of the model.
/// </summary>
public sealed class ModelParameterTests
{
    public static TheoryData<string> ConvertedProperties()
    {
        var data = new TheoryData<string>();
        foreach (var property in Model().GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            if (property.GetRelationalTypeMapping().Converter is not null)
            {
                data.Add($"{property.DeclaringType.ClrType.Name}.{property.Name}");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ConvertedProperties))]
    public void A_converted_value_is_stored_as_ef_core_converts_it(string name)
    {
        var property = Model().GetEntityTypes().SelectMany(t => t.GetProperties())
            .Single(p => $"{p.DeclaringType.ClrType.Name}.{p.Name}" == name);
        var mapping = property.GetRelationalTypeMapping();
        var converter = mapping.Converter!;
        Assert.NotEmpty(Samples(converter.ModelClrType));

        foreach (var sample in Samples(converter.ModelClrType))
        {
            var parameter = new SqliteParameter();
            ModelParameter.Set(parameter, mapping, sample);

            var expected = converter.ConvertToProvider(sample);
            Assert.Equal(expected, parameter.Value);
            if (expected is DateTime utc)
            {
                Assert.Equal(utc.Kind, ((DateTime)parameter.Value!).Kind);
            }
        }
    }

    private static Microsoft.EntityFrameworkCore.Metadata.IModel Model()
    {
        using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options);
        return db.Model;
    }

    private static object[] Samples(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            return [.. Enum.GetValues(underlying).Cast<object>()];
        }

        if (underlying == typeof(DateTime))
        {
            return
            [
                new DateTime(2026, 11, 28, 13, 5, 7, DateTimeKind.Utc).AddTicks(1234567),
                new DateTime(2026, 7, 1, 9, 0, 0, DateTimeKind.Local),
                new DateTime(2026, 3, 29, 1, 0, 0, DateTimeKind.Unspecified),
            ];
        }

        if (underlying.IsAssignableFrom(typeof(List<string>)))
        {
            return [new List<string> { "Vinnytska oblast", "Вінницька область", "a \"quoted\", name" }, new List<string>()];
        }

        return [];
    }
}
