using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// The data-protection key ring (the keys that sign cookies and antiforgery tokens) in the database, so that every
/// instance honours what any issued: the <c>DataProtectionKeys</c> table that EF Core's <c>PersistKeysToDbContext</c>
/// keeps, the same rows, read and written with one plain command each. The framework loads the key ring before the
/// server listens, and its repository's LINQ query, the first of the process, compiled EF Core's whole query pipeline
/// on the way to the first 200 (docs/performance.md).
/// </summary>
internal sealed partial class DataProtectionKeyStore(IServiceScopeFactory scopes, ILogger<DataProtectionKeyStore> logger) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var (table, id, _, xml) = Names(db);
        var elements = new List<XElement>();
        db.Database.OpenConnection();
        try
        {
            using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT {id}, {xml} FROM {table} ORDER BY {id}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var text = reader.IsDBNull(1) ? null : reader.GetString(1);
                try
                {
                    elements.Add(XElement.Parse(text ?? string.Empty));
                }
                catch (XmlException ex)
                {
                    // One unreadable row must not cost every other key: the cookies it signed are lost, no more.
                    LogUnreadableKey(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), ex.Message);
                }
            }
        }
        finally
        {
            db.Database.CloseConnection();
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var (table, _, name, xml) = Names(db);
        db.Database.OpenConnection();
        try
        {
            using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"INSERT INTO {table} ({name}, {xml}) VALUES (@name, @xml)";
            var parameters = new PlainReads.Parameters(command);
            parameters.Add("@name", friendlyName);
            parameters.Add("@xml", element.ToString(SaveOptions.DisableFormatting));
            command.ExecuteNonQuery();
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    private static (string Table, string Id, string FriendlyName, string Xml) Names(AppDbContext db)
    {
        var type = db.Model.FindEntityType(typeof(DataProtectionKey))!;
        string Column(string property) => $"\"{type.FindProperty(property)!.GetColumnName()}\"";
        return ($"\"{type.GetTableName()}\"", Column(nameof(DataProtectionKey.Id)), Column(nameof(DataProtectionKey.FriendlyName)), Column(nameof(DataProtectionKey.Xml)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data-protection key row {Id} is not readable XML and is skipped: {Reason}")]
    private partial void LogUnreadableKey(long id, string reason);
}
