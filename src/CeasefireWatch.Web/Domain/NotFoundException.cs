namespace CeasefireWatch.Web.Domain;

/// <summary>The thing a request names does not exist; the API answers 404, a page shows its not-found view.</summary>
public sealed class NotFoundException(string message) : Exception(message)
{
    // Ids start at 1: a reference made of 0 or a negative number (CW--00001) would name nothing anyone has seen.
    public static NotFoundException Incident(int id) => new(id > 0
        ? $"There is no incident {Domain.Incident.FormatReference(id)} (id {id})."
        : $"There is no incident with id {id}: incident ids start at 1.");

    public static NotFoundException User(string? id) => new($"There is no user with id {id}.");

    public static NotFoundException ApiKey(int id) => new($"There is no API key with id {id}.");
}
