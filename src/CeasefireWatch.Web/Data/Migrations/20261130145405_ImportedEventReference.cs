using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CeasefireWatch.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportedEventReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExternalReference",
                table: "Incidents",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            // Incidents imported from ACLED before this migration had no reference, and a re-import would add them once
            // more. They are found by what the import made of them: resolved as "Ceased before import", source
            // OpenSource, a title beginning with the event id (three letters and digits, ACLED's event_id_cnty) and
            // " · ". Where an event was imported more than once already, the first incident (the lowest id) gets it.
            migrationBuilder.Sql(
                """
                UPDATE "Incidents" SET "ExternalReference" = 'ACLED:' || upper(substr("Title", 1, instr("Title", ' · ') - 1))
                WHERE "Id" IN (
                    SELECT MIN("Id") FROM "Incidents"
                    WHERE instr("Title", ' · ') BETWEEN 5 AND 59
                      AND substr("Title", 1, instr("Title", ' · ') - 1) GLOB '[A-Za-z][A-Za-z][A-Za-z][0-9]*'
                      AND substr("Title", 4, instr("Title", ' · ') - 4) NOT GLOB '*[^0-9]*'
                      AND "ResolutionReason" = 'Ceased before import'
                      AND "SourceType" = 'OpenSource'
                    GROUP BY upper(substr("Title", 1, instr("Title", ' · ') - 1)));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_ExternalReference",
                table: "Incidents",
                column: "ExternalReference",
                unique: true,
                filter: "\"ExternalReference\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_ExternalReference",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "ExternalReference",
                table: "Incidents");
        }
    }
}
