export { type NoteStatus, type NoteView, TEMPLATE_EXTENSION } from './note.composition';
export { compositionWriteGuard } from './note.guard';
export { type NotesModuleOptions, registerNotesModule } from './note.module';
export { type NoteActor, NoteService } from './note.service';
export { NOTE_TEMPLATES, type NoteTemplate } from './note.templates';
