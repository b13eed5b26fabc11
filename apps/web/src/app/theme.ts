import { type CSSVariablesResolver, createTheme, type MantineColorsTuple } from '@mantine/core';

// A deep teal-blue whose shades 6-9 keep white text above WCAG AA contrast (4.5:1).
const meridian: MantineColorsTuple = [
  '#e6f5f8',
  '#cce8ef',
  '#9dd2df',
  '#69bacd',
  '#3fa4bc',
  '#2492ad',
  '#137a94',
  '#0b6a80',
  '#075a6d',
  '#034858',
];

export const theme = createTheme({
  primaryColor: 'meridian',
  primaryShade: { light: 7, dark: 5 },
  colors: { meridian },
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  focusRing: 'auto',
  components: {
    Table: { defaultProps: { verticalSpacing: 'sm', horizontalSpacing: 'md' } },
  },
});

/** Dimmed text one shade darker than Mantine's default, which falls short of AA contrast on white. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
  },
  dark: {},
});
